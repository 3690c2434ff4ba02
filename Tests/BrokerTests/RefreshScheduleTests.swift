import Broker
import ProviderInterface
import Testing

/// A periodic refresh takes each provider at least every loop interval and at least as often
/// as its own `refresh_every`.
@Suite("Refresh schedule")
struct RefreshScheduleTests {
    static func entry(_ key: String, every seconds: Int) -> ProviderEntry {
        ProviderEntry(
            key: key, adapter: "openai-compatible", baseURL: "https://\(key).example", refreshIntervalSeconds: seconds)
    }

    @Test(
        "a provider with a shorter refresh_every than the loop is refreshed on its own interval; the others on the loop's"
    )
    func shorterEntryInterval() {
        let hour: Int64 = 3_600_000
        var schedule = RefreshSchedule(
            intervalMs: hour,
            entries: [
                Self.entry("hourly", every: 3_600), Self.entry("quarter", every: 900),
                Self.entry("daily", every: 86_400),
            ])
        #expect(schedule.takeDue(atMs: 0) == ["hourly", "quarter", "daily"], "a first round takes everyone")
        #expect(schedule.takeDue(atMs: 10).isEmpty, "and they count as refreshed")
        #expect(schedule.sleepMs(atMs: 1_000) == 899_000)
        #expect(schedule.due(atMs: 899_999).isEmpty)
        #expect(schedule.due(atMs: 900_000) == ["quarter"])
        schedule.ran(["quarter"], atMs: 900_000)
        #expect(schedule.sleepMs(atMs: 900_500) == 899_500)
        for t in [1_800_000, 2_700_000] as [Int64] {
            #expect(schedule.due(atMs: t) == ["quarter"])
            schedule.ran(["quarter"], atMs: t)
        }
        // At the hour everyone is due: "daily" too, since the loop runs every hour.
        #expect(schedule.due(atMs: hour) == ["hourly", "quarter", "daily"])
    }

    @Test("an entry's own interval counts as at least a second, however short it asks; the loop's is taken as given")
    func floor() {
        #expect(RefreshSchedule(intervalMs: 150, entries: [Self.entry("eager", every: 0)]).periods.map(\.ms) == [150])
        var schedule = RefreshSchedule(intervalMs: 60_000, entries: [Self.entry("eager", every: 0)])
        #expect(schedule.periods.map(\.ms) == [1_000])
        schedule.ran(["eager"], atMs: 0)
        #expect(schedule.due(atMs: 999).isEmpty)
        #expect(schedule.due(atMs: 1_000) == ["eager"])
    }
}
