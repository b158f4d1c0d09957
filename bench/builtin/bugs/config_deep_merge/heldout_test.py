from configmerge import deep_merge


def test_new_key_added():
    assert deep_merge({"a": 1}, {"b": 2}) == {"a": 1, "b": 2}


def test_nested_merge_three_levels():
    base = {"x": {"y": {"z": 1, "w": 2}}}
    assert deep_merge(base, {"x": {"y": {"z": 9}}}) == {"x": {"y": {"z": 9, "w": 2}}}


def test_dict_replaced_by_scalar():
    assert deep_merge({"a": {"b": 1}}, {"a": 3}) == {"a": 3}
