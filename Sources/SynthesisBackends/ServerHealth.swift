import Synthesis
import Foundation

/// What the scheduler knows about one server: requests in flight, consecutive failures, and
/// until when it is resting. `restAfterFailures` failures in a row rest it for `restSeconds`,
/// doubling with each further rest up to `maxRestSeconds`; a success ends the streak and
/// resets the rest length. Pure bookkeeping: the scheduler passes the clock in.
///
///     var health = ServerHealth()
///     health.recordFailure(now: 10)   // … after enough of these: health.isResting(now: 10.5) == true
public struct ServerHealth: Sendable, Equatable {
    public var restAfterFailures = 3
    public var restSeconds = 1.0
    public var maxRestSeconds = 30.0

    public private(set) var consecutiveFailures = 0
    public private(set) var restingUntil = 0.0
    public private(set) var rests = 0
    public private(set) var completed = 0
    public private(set) var failures = 0
    private var nextRest: Double?

    public init(restAfterFailures: Int = 3, restSeconds: Double = 1, maxRestSeconds: Double = 30) {
        self.restAfterFailures = restAfterFailures
        self.restSeconds = restSeconds
        self.maxRestSeconds = maxRestSeconds
    }

    public func isResting(now: Double) -> Bool { now < restingUntil }

    public mutating func recordSuccess() {
        completed += 1
        consecutiveFailures = 0
        nextRest = nil
    }

    /// Counts a failure the server is at fault for; returns true when it starts a rest.
    @discardableResult
    public mutating func recordFailure(now: Double) -> Bool {
        failures += 1
        // Requests sent before the rest began fail during it: they do not lengthen it.
        if isResting(now: now) { return false }
        consecutiveFailures += 1
        guard consecutiveFailures >= restAfterFailures else { return false }
        let length = nextRest ?? restSeconds
        restingUntil = now + length
        nextRest = min(length * 2, maxRestSeconds)
        rests += 1
        // After the rest the server gets one probe's worth of failures before the next rest.
        consecutiveFailures = restAfterFailures - 1
        return true
    }
}
