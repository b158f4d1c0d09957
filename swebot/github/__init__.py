"""GitHub front end: the REST client, remote repositories, pull-request text and the Action.

- ``api``: a small REST client over a one-method transport seam (stdlib urllib by default).
- ``remote``: clone a URL into a private folder, push a branch without ever reusing a name.
- ``pr``: issue preconditions, branch slugs, PR body and issue-comment rendering.
- ``action``: ``swebot action`` (the GitHub Action entry point).
- ``fixflow``: ``swebot fix URL --issue-url ... --pr`` (called by the ``fix`` command).
"""
