"""The data in qa_rubrics/ that more than one stage reads: lexicon files as frozen objects, and the error a bad
rubric or lexicon file raises (file, field, reason). Pure: no Flask, no database. Rubrics themselves are scoring's
(app.scoring.rubrics), since validating one needs the detector registry."""
