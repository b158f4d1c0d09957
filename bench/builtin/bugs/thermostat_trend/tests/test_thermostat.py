import pytest

from thermostat import Thermostat


def test_rising():
    t = Thermostat(20)
    t.record(0, 18.0)
    t.record(2, 19.0)
    assert t.rate_per_hour() == 0.5
    assert t.trend() == "rising"


def test_steady():
    t = Thermostat(20)
    t.record(0, 20.0)
    t.record(1, 20.05)
    assert t.trend() == "steady"


def test_out_of_order():
    t = Thermostat(20)
    t.record(1, 20)
    with pytest.raises(ValueError):
        t.record(1, 21)


def test_should_heat():
    t = Thermostat(21)
    t.record(0, 19.0)
    assert t.should_heat()


def test_falling():
    t = Thermostat(20)
    t.record(0, 22.0)
    t.record(0.5, 21.0)
    assert t.trend() == "falling"
