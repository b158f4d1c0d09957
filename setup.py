"""Package list only; everything else is in pyproject.toml.

The top-level ``prompts/`` folder is shipped as the data package ``swebot.prompts``, and
``swebot/sandbox_files/`` (scripts copied into sandboxes) as the data package
``swebot.sandbox_files``.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["swebot", "swebot.*"], exclude=["*.__pycache__"]),
              "swebot.prompts"],
    package_dir={"swebot.prompts": "prompts"},
)
