"""The YAML text of a calibrated rubric version: the current file with its fitted detector lines rewritten, a
comment above each saying where the numbers came from, and the next version number. Everything else (comments,
tips, lexicons, layout) is kept as written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from app.scoring.detectors.registry import get_detector
from app.scoring.fit import CriterionFit, FitResult
from app.scoring.rubrics import DetectorSpec, load_rubric_text


class FitTextError(ValueError):
    """The rubric text could not be rewritten faithfully (a layout this rewriter does not handle)."""


def _key(node: yaml.MappingNode, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in node.value if getattr(k, "value", None) == name), None)


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _detector_text(spec: DetectorSpec, written: set[str]) -> str:
    """A flow mapping: the parameters the file named, plus those that now differ from the detector's defaults."""
    defaults: Mapping[str, Any] = get_detector(spec.name).params
    params = {k: v for k, v in spec.params.items() if k in written or v != defaults.get(k)}
    inner = ", ".join(f"{k}: {_value(v)}" for k, v in params.items())
    text = f"{{name: {spec.name}, weight: {_number(spec.weight)}"
    return text + (f", params: {{{inner}}}}}" if inner else "}")


def _was(fit: CriterionFit, start: tuple[DetectorSpec, ...]) -> str:
    changes = []
    for new, old in zip(fit.detectors, start, strict=True):
        if new.weight != old.weight:
            changes.append(f"{old.name} weight {_number(old.weight)}")
        changes += [f"{old.name}.{k} {_value(v)}" for k, v in old.params.items() if new.params[k] != v]
    return ", ".join(changes) or "unchanged"


def _comment(fit: CriterionFit, start: tuple[DetectorSpec, ...], origin: str, folds: int) -> list[str]:
    b, a = fit.before, fit.after
    return [
        f"Fitted to {fit.n} final reviews ({origin}), {folds}-fold cross-validation, held out:",
        f"Spearman {_fmt(b.spearman)} -> {_fmt(a.spearman)}, mean difference {_fmt(b.mae, 1)} -> "
        f"{_fmt(a.mae, 1)} points. Was: {_was(fit, start)}.",
    ]


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def calibrated_text(source: str, result: FitResult, version: int, origin: str) -> str:
    """The new version's YAML; raises FitTextError unless it reads back as exactly the fitted rubric."""
    root = yaml.compose(source, Loader=yaml.SafeLoader)
    edits: list[tuple[int, int, str]] = []
    version_node = _key(root, "version")
    if version_node is None:
        raise FitTextError("the rubric has no version field")
    edits.append((version_node[1].start_mark.index, version_node[1].end_mark.index, str(version)))
    line = version_node[0].start_mark
    edits.append(
        (
            line.index - line.column,
            line.index - line.column,
            f"# Version {version}: weights fitted to reviewers' scores by `qa scorer fit` from version "
            f"{result.rubric.version} ({origin}).\n",
        )
    )
    fits = {c.id: c for c in result.criteria if c.adopted}
    criteria = _key(root, "criteria")
    for node in criteria[1].value if criteria else ():
        crit_id = _key(node, "id")[1].value
        if crit_id not in fits:
            continue
        key, detectors = _key(node, "detectors")
        start = result.rubric.criterion(crit_id).detectors
        indent = " " * key.start_mark.column
        at = key.start_mark.index - key.start_mark.column
        comment = "".join(
            f"{indent}# {text}\n" for text in _comment(fits[crit_id], start, origin, result.settings.folds)
        )
        edits.append((at, at, comment))
        for spec, item in zip(fits[crit_id].detectors, detectors.value, strict=True):
            params = _key(item, "params")
            written = {k.value for k, _ in params[1].value} if params else set()
            edits.append((item.start_mark.index, item.end_mark.index, _detector_text(spec, written)))
    text = source
    for begin, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        text = text[:begin] + replacement + text[end:]
    _check(text, result, version)
    return text


def _check(text: str, result: FitResult, version: int) -> None:
    expected = result.fitted()
    try:
        parsed = load_rubric_text(text, f"{expected.id} v{version}")
    except Exception as exc:  # noqa: BLE001 - any failure means the rewrite is not faithful
        raise FitTextError(f"the rewritten rubric does not load: {exc}") from exc
    for mine, theirs in zip(parsed.criteria, expected.criteria, strict=True):
        got = [(s.name, s.weight, dict(s.params)) for s in mine.detectors]
        want = [(s.name, s.weight, dict(s.params)) for s in theirs.detectors]
        if got != want:
            raise FitTextError(f"criterion {mine.id}: the rewritten detectors differ from the fitted ones")
