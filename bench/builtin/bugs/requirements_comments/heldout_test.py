from reqs import strip_comment


def test_strip_comment_variants():
    assert strip_comment("#only") == ""
    assert strip_comment("pkg==1 # pinned") == "pkg==1"
    assert strip_comment("pkg  #x") == "pkg"
