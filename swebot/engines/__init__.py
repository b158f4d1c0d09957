"""The engines ("brains") swebot can use: ``builtin`` (SBFL + mutation search), ``llm`` (a
tool-using agent), ``chain`` (builtin first, then the model). ``factory`` builds one by name."""
