"""Package list only; everything else is in pyproject.toml.

The top-level ``prompts/`` folder is shipped as the data package ``swebot.prompts``.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["swebot", "swebot.*"]), "swebot.prompts"],
    package_dir={"swebot.prompts": "prompts"},
)
