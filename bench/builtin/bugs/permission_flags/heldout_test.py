from perms import Perm, Permissions


def test_grant_on_existing_value():
    p = Permissions(Perm.READ | Perm.ADMIN)
    p.grant(Perm.READ | Perm.WRITE)
    assert p.value == Perm.READ | Perm.WRITE | Perm.ADMIN


def test_revoke_absent_is_noop():
    p = Permissions(Perm.READ)
    p.revoke(Perm.DELETE)
    assert p.value == Perm.READ
