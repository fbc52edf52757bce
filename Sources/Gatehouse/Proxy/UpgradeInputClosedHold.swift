import NIOCore

/// Holds back the peer's half-close (`ChannelEvent.inputClosed`) while a WebSocket upgrade
/// is under way, and passes it on once the upgraded pipeline is in place.
///
/// A peer may send its 101 (or its handshake), a few frames and its FIN all at once. NIO's
/// HTTP decoder, told of the FIN before the upgrade has removed it, discards the bytes it
/// still holds, which are those frames; and nothing behind it reads the half-close yet.
/// Sitting in front of the decoder, this handler keeps the half-close until ``release()``,
/// so the frames go on to the WebSocket decoder first and the half-close follows them.
final class UpgradeInputClosedHold: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var holding: Bool
    private var held = false
    private var context: ChannelHandlerContext?

    /// A hold that starts at once (`holding`), or only at ``hold()``.
    init(holding: Bool) {
        self.holding = holding
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if holding, let event = event as? ChannelEvent, event == .inputClosed {
            held = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Starts holding. Call on the channel's event loop.
    func hold() { holding = true }

    /// Stops holding and passes on a held half-close. Call on the channel's event loop, after
    /// the bytes that came before the half-close have gone through.
    func release() {
        holding = false
        if held, let context {
            held = false
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
    }
}
