"""README's test command is exactly what ``make test`` and CI (``.ci/run``) run."""

import re

from tests.conftest import ROOT


def command(text: str) -> str:
    """Shell text with line continuations joined and runs of blanks collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"\\\n", " ", text)).strip()


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text()
    intro = readme.index("The test command itself")
    block = re.search(r"```bash\n(.*?)```", readme[intro:], re.DOTALL)
    return command(block.group(1))


def test_make_test_and_ci_run_the_readme_command():
    expected = readme_test_command()
    assert expected.startswith("python -m pytest") and "ATEN_CPU_CAPABILITY=default" in expected
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test: setup\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no `test: setup` recipe"
    assert command(recipe.group(1)) == f". $(BIN)/activate && {expected}"
    ci = command((ROOT / ".ci" / "run").read_text())
    assert f"{expected} || status=$?" in ci
