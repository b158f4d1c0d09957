import random

from runstats import RunningStats


def test_random_sequences():
    rng = random.Random(7)
    for _ in range(50):
        values = [rng.uniform(-100, 100) for _ in range(rng.randint(1, 30))]
        s = RunningStats()
        for v in values:
            s.push(v)
        assert (s.min, s.max) == (min(values), max(values))
