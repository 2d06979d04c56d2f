"""A Python twin of @modelwatch/core's SeededRandom (SFC32 seeded through
SplitMix32) and of Kswin's partial Fisher-Yates draw, so that River's KSWIN
can be given exactly the random draws our Kswin makes."""

M = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & M


class SeededRandom:
    def __init__(self, seed: int):
        s = (int(seed) ^ 0x9E3779B9) & M
        state = []
        for _ in range(4):
            s = (s + 0x9E3779B9) & M
            z = s
            z = _imul(z ^ (z >> 16), 0x85EBCA6B)
            z = _imul(z ^ (z >> 13), 0xC2B2AE35)
            state.append((z ^ (z >> 16)) & M)
        self.a, self.b, self.c, self.d = state
        for _ in range(12):
            self.uint32()

    def uint32(self) -> int:
        t = (self.a + self.b + self.d) & M
        self.d = (self.d + 1) & M
        self.a = self.b ^ (self.b >> 9)
        self.b = (self.c + (self.c << 3)) & M
        self.c = ((self.c << 21) | (self.c >> 11)) & M
        self.c = (self.c + t) & M
        return t

    def next(self) -> float:
        return self.uint32() / 4294967296

    def int(self, n: int) -> int:
        return int(self.next() * n)


class KswinDraws:
    """Stands in for KSWIN's `random.Random`: `sample(range(m), k)` draws as Kswin does,
    from a pool that stays a permutation between calls."""

    def __init__(self, seed: int):
        self.random = SeededRandom(seed)
        self.pool: list[int] | None = None

    def sample(self, population, k):
        m = len(population)
        if self.pool is None:
            self.pool = list(range(m))
        pool = self.pool
        out = []
        for i in range(k):
            j = i + self.random.int(m - i)
            pool[i], pool[j] = pool[j], pool[i]
            out.append(population[pool[i]])
        return out
