import Foundation
import Synchronization

/// When the command now running started (monotonic nanoseconds; 0 between commands): the main
/// loop sets it, the watchdog thread reads it.
let commandStarted = Atomic<UInt64>(0)

func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
