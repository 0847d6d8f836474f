"""The behaviour layer: each agent turn, read with the customer turns before it, gets a probability per behaviour.

A multilingual sentence encoder whose weights ship in a package (`encoder.py`) embeds the turn and its context;
small logistic heads trained on the project's own corpus (`train.py`, `qa_rubrics/behaviours/`) turn the features
(`features.py`) into probabilities (`model.py`). Detectors read them through `DetectorContext.behaviours()`.
"""
