import Platform
import Synchronization
import Testing

/// The one thread-local type and the one thread starter: a value per thread, freed when its
/// thread ends.
@Suite("ThreadLocal and PlatformThread")
struct ThreadLocalTests {
    private final class Tracked {
        static let alive = Atomic<Int>(0)
        init() { Self.alive.add(1, ordering: .relaxed) }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    private final class Flag: Sendable {
        let value = Atomic<Bool>(true)
    }

    @Test func eachThreadHasItsOwnValueFreedWhenTheThreadEnds() throws {
        let local = ThreadLocal<Tracked>()
        let mine = try #require(local.value(orMake: Tracked.init))
        #expect(local.value === mine)
        let before = Tracked.alive.load(ordering: .relaxed)
        let sawOne = Flag()
        let thread = try #require(
            PlatformThread.start(name: "thread-local-test") {
                sawOne.value.store(local.value != nil, ordering: .relaxed)
                _ = local.value(orMake: Tracked.init)
            })
        thread.join()
        let newThreadHadOne = sawOne.value.load(ordering: .relaxed)
        #expect(!newThreadHadOne, "a new thread starts without a value")
        let after = Tracked.alive.load(ordering: .relaxed)
        #expect(after == before, "the other thread's value was freed with it")
        #expect(local.value === mine)
        #expect(local.withValue(nil) { local.value == nil })
        #expect(local.value === mine, "withValue puts back what was there")
        local.set(nil)
    }
}
