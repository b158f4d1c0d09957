"""GitHub: the REST client, remote repositories, pull-request text and the Action.

``swebot fix URL --ref R --issue-url U --pr`` is a front end: ``swebot.commands.fix_remote``.

- ``api``: a small REST client (typed errors with status codes) over ``transport`` (stdlib urllib).
- ``urls``: the API base URL (``GITHUB_API_URL``, GitHub Enterprise), issue and remote URLs.
- ``secrets``: the token from the environment, redaction, hiding credentials from sandboxes.
- ``remote``: clone a URL into a private folder, push a branch without ever reusing a name.
- ``pr``: issue preconditions, branch slugs, PR bodies and issue comments.
- ``action``: ``swebot action`` (the GitHub Action entry point).
"""
