"""The wheel carries the top-level assets/ folder as lenall_genomics/assets (one copy in git)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSETS = Path(__file__).resolve().parent / "assets"


class BuildPyWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install reads assets/ in the checkout
            self.copy_tree(str(ASSETS), str(Path(self.build_lib) / "lenall_genomics" / "assets"))


setup(cmdclass={"build_py": BuildPyWithAssets})
