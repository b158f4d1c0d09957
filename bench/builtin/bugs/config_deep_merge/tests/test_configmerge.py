from configmerge import deep_merge, from_env, layered


def test_override_scalar():
    assert deep_merge({"debug": False, "port": 80}, {"port": 8080}) == {"debug": False, "port": 8080}


def test_empty_override_copies():
    base = {"db": {"host": "a"}}
    merged = deep_merge(base, {})
    merged["db"]["host"] = "b"
    assert base["db"]["host"] == "a"


def test_from_env():
    env = {"APP_DB__HOST": "db.local", "APP_DEBUG": "1", "OTHER": "x"}
    assert from_env("APP_", env) == {"db": {"host": "db.local"}, "debug": "1"}


def test_single_layer():
    assert layered({"a": 1}) == {"a": 1}


def test_layers_merge_nested_sections():
    defaults = {"db": {"host": "localhost", "port": 5432}, "debug": False}
    env = from_env("APP_", {"APP_DB__HOST": "prod.db"})
    assert layered(defaults, env) == {"db": {"host": "prod.db", "port": 5432}, "debug": False}
