"""Demo landing generator: a realistic, deterministic Kent landing folder.

``generate_landing`` simulates children's social care in Kent's twelve districts
and writes two years of monthly district extracts exactly as extracts.md lays
them out, calibrated so December 2011 resembles the March 2012 committee report,
with real-world messiness and a recorded set of deliberate faults. Asked for a
number of districts, it writes a made-up county of that size in Kent's image
(``made_up``), to measure the pipeline at England's scale.
"""

from .generate import generate_landing
from .manifest import BadRow, DemoManifest, JunkPath, LandedFile, Quirk, RejectedFile

__all__ = [
    "BadRow",
    "DemoManifest",
    "JunkPath",
    "LandedFile",
    "Quirk",
    "RejectedFile",
    "generate_landing",
]
