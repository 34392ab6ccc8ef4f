"""What the last mutmut run found: every mutant with its package, status and change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The packages where the logic lives, as pyproject's [tool.mutmut] mutates them ("config" is
# tapdesk/config.py). The first five carry the stricter target.
PACKAGES = ("core", "graph", "auth", "store", "config", "cli", "workflows")
STRICT = PACKAGES[:5]

# mutmut's exit codes, read as a technician's question: did a test notice?
KILLED = "killed"
SURVIVED = "survived"
NO_TESTS = "no tests"
_STATUS = {1: KILLED, 3: KILLED, 36: KILLED, 37: KILLED, 24: KILLED, -24: KILLED, 152: KILLED}
_STATUS |= {255: KILLED, -9: KILLED, -11: KILLED, 0: SURVIVED, 5: NO_TESTS, 33: NO_TESTS}


@dataclass(frozen=True)
class Mutant:
    name: str  # mutmut's: tapdesk.core.flows.xǁFlowǁstep__mutmut_2
    status: str  # killed, survived, no tests, or mutmut's word for anything else
    path: Path

    @property
    def package(self) -> str:
        return self.name.split(".")[1]

    @property
    def function(self) -> str:
        """The mutated function, without mutmut's decoration: core.flows.Flow.step."""
        module, _, rest = self.name.partition(".x")
        rest = rest.rsplit("__mutmut_", 1)[0]  # "ǁClassǁmethod" or "_function"
        return f"{module}.{rest[1:].replace('ǁ', '.')}"

    @property
    def counted(self) -> bool:
        """Timeouts and type-check rejections count as killed; unchecked ones not at all."""
        return self.status in (KILLED, SURVIVED, NO_TESTS)

    def change(self) -> tuple[str, str]:
        """The lines the mutant removed and added, each joined into one line."""
        from mutmut.mutation.diff_apply import get_diff_for_mutant

        removed, added = [], []
        for line in get_diff_for_mutant(self.name, path=self.path).splitlines()[2:]:
            if line.startswith("-"):
                removed.append(line[1:].strip())
            elif line.startswith("+"):
                added.append(line[1:].strip())
        return " ".join(removed), " ".join(added)


def read_results(only: list[str]) -> list[Mutant]:
    """Every mutant of the last run, in the packages asked for (all when none)."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.utils.file_utils import walk_mutatable_files

    wanted = set(only or PACKAGES)
    found = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            status = "not checked" if code is None else _STATUS.get(code, "suspicious")
            mutant = Mutant(name, status, Path(path))
            if mutant.package in wanted:
                found.append(mutant)
    return sorted(found, key=lambda m: m.name)
