import Foundation

/// A blocking first-in first-out queue of bounded size between one producer thread and one
/// consumer: `push` waits while full, `pop` waits while empty. Used to parse and hash input on
/// the second core while the first one writes to SQLite.
///
///     let queue = BoundedQueue<Int>(capacity: 4)
///     Thread.detachNewThread { queue.push(1) }
///     queue.pop()   // 1
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private let capacity: Int
    private var cancelled = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds an element; returns false (dropping it) once the consumer has cancelled.
    @discardableResult
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(element)
        condition.broadcast()
        return true
    }

    func pop() -> Element {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let element = items.removeFirst()
        condition.broadcast()
        return element
    }

    /// Tells the producer to stop: pending and future pushes return false.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
