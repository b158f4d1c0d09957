"""SWE-bench-style batch runs: ``swebot batch run`` (resumable, budgeted, local pool or Ray) and
``swebot batch evaluate``.

Modules: ``dataset`` (instances), ``repos`` (bare-clone cache, worktrees), ``runner`` (one
instance), ``ledger`` (total cost budget, ``BudgetedModel``), ``store`` (preds.jsonl),
``executors`` (inline, process pool, Ray), ``driver`` (the run), ``evaluate``, ``progress``.
"""
