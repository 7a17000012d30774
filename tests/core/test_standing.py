from tongban.core import standing


def test_without_a_provider_every_subject_is_unknown_and_nothing_is_refused():
    standing.unregister()
    s = standing.standing_of("91410100MA00000000")
    assert not s.known and s.may_use_commitment and s.risk_class == standing.RISK_UNKNOWN


def test_the_registered_provider_answers_in_bulk():
    def provider(keys):
        return {
            "A": standing.Standing(subject="A", known=True, serious_record=True,
                                   reasons=("存在严重失信记录",)),
            "B": standing.Standing(subject="B", known=True, risk_class=standing.RISK_LOW,
                                   lists=(standing.ListMembership("black", "名单", "依据"),)),
        }

    standing.register(provider)
    try:
        got = standing.standing_bulk(["A", "B", "C", "A", ""])
        assert list(got) == ["A", "B", "C"]
        assert not got["A"].may_use_commitment
        assert got["B"].blacklisted and not got["B"].may_use_commitment
        assert not got["C"].known and got["C"].may_use_commitment
    finally:
        standing.unregister()
