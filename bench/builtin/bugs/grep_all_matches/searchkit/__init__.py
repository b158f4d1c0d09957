from searchkit.grep import Match, grep, grep_files

__all__ = ["Match", "grep", "grep_files"]
