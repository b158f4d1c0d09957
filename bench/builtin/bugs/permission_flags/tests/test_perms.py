from perms import Perm, Permissions


def test_grant_and_has():
    p = Permissions()
    p.grant(Perm.READ)
    p.grant(Perm.DELETE)
    assert p.has(Perm.READ) and p.has(Perm.DELETE)
    assert not p.has(Perm.WRITE)


def test_revoke():
    p = Permissions(Perm.READ | Perm.WRITE)
    p.revoke(Perm.WRITE)
    assert p.names() == ["READ"]


def test_grant_single_role():
    p = Permissions()
    p.grant_all(["editor"])
    assert p.names() == ["READ", "WRITE"]


def test_grant_is_idempotent():
    p = Permissions()
    p.grant(Perm.WRITE)
    p.grant(Perm.WRITE)
    assert p.has(Perm.WRITE)


def test_overlapping_roles():
    p = Permissions()
    p.grant_all(["viewer", "owner"])
    assert p.names() == ["READ", "WRITE", "DELETE"]
