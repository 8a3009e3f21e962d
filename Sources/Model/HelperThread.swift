import CKernels
import Foundation
import Synchronization

/// A second thread that takes chunk 1 of each two-chunk parallel section while the calling
/// thread does chunk 0. Decode steps run dozens of such sections per token, each only tens of
/// microseconds long; waking a Dispatch worker for every one costs about as much as the work,
/// so between sections this thread spins for a short while (a fraction of a millisecond) before
/// it sleeps.
///
///     HelperThread.shared.run { chunk in work(chunk) }   // false: busy, run it another way
final class HelperThread: @unchecked Sendable {
    static let shared = HelperThread()

    /// Bumped by the caller for each section; the helper runs a section when it sees a new value.
    private let posted = Atomic<Int>(0)
    /// The last section the helper has finished.
    private let finished = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// One section at a time; a nested or concurrent caller finds it taken and goes elsewhere.
    private let inUse = Mutex<Void>(())
    /// The section's body, written before `posted` is bumped and read after it is seen.
    private var section: ((Int) -> Void)?

    private init() {
        Thread { [unowned self] in
            Thread.current.name = "ipt-helper"  // set from inside: Linux applies it only to the running thread
            self.serve()
        }.start()
    }

    /// Runs body(0) here and body(1) on the helper, returning when both are done; false (and
    /// nothing run) when another section is using the helper.
    func run(_ body: (Int) -> Void) -> Bool {
        withoutActuallyEscaping(body) { escapable in
            inUse.withLockIfAvailable { _ in
                section = escapable
                let number = posted.add(1, ordering: .sequentiallyConsistent).newValue
                if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
                escapable(0)
                var spins = 0
                while finished.load(ordering: .acquiring) != number {
                    spins += 1
                    if spins < 1 << 16 { ipt_cpu_relax() } else { sched_yield() }
                }
                section = nil
                return true
            } ?? false
        }
    }

    private func serve() {
        var seen = 0
        while true {
            var spins = 0
            while posted.load(ordering: .sequentiallyConsistent) == seen {
                spins += 1
                if spins < 1 << 13 {
                    ipt_cpu_relax()
                    continue
                }
                // Announce the sleep, then look once more: a section posted in between either
                // saw the announcement (and signals) or is seen here.
                sleeping.store(true, ordering: .sequentiallyConsistent)
                if posted.load(ordering: .sequentiallyConsistent) != seen {
                    if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }  // take the signal sent meanwhile
                    break
                }
                wake.wait()
                spins = 0
            }
            seen = posted.load(ordering: .sequentiallyConsistent)
            section?(1)
            finished.store(seen, ordering: .releasing)
        }
    }
}
