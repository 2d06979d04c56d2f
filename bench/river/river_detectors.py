"""River's detectors built from the camelCase option sets used on the
TypeScript side, with KSWIN drawing through the SeededRandom twin."""
from river import drift
from river.drift import binary

from seeded_random import KswinDraws


class SeededKSWIN(drift.KSWIN):
    """River's KSWIN, unchanged except that its random draws come from our SeededRandom."""

    def _reset(self):
        super()._reset()
        self._rng = KswinDraws(self.seed)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def make(detector: str, options: dict):
    kwargs = {_snake(k): v for k, v in options.items()}
    if detector == "Adwin":
        return drift.ADWIN(**kwargs)
    if detector == "PageHinkley":
        return drift.PageHinkley(**kwargs)
    if detector == "Kswin":
        return SeededKSWIN(**kwargs)
    if detector == "Ddm":
        return binary.DDM(**kwargs)
    if detector == "HddmA":
        return binary.HDDMA(**kwargs)
    raise ValueError(f"River has no counterpart of {detector}")


def detections(detector: str, options: dict, values) -> list[int]:
    d = make(detector, options)
    found = []
    for i, x in enumerate(values):
        d.update(x)
        if d.drift_detected:
            found.append(i)
    return found
