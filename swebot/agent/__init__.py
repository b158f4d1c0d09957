"""The tool-using LLM agent: configuration, tools, edits, compaction and the loop."""
