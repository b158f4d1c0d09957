from thermostat import Thermostat


def test_negative_rate():
    t = Thermostat(18)
    t.record(0, 20.0)
    t.record(4, 18.0)
    assert t.rate_per_hour() == -0.5
