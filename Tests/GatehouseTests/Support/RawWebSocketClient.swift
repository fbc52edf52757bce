import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A hand-written WebSocket client for tests: writes the handshake with exactly the headers
/// given (no `Origin` of its own) and any masked frames right behind it, in one write, as a
/// browser that sends and closes at once would; answers the server's close frame; and
/// returns what it read once the server closed the connection, or once it gave up waiting.
enum RawWebSocketClient {
    /// A frame the client sends.
    enum Outgoing {
        case text(String)
        case close(code: UInt16)
    }

    /// What the client read.
    struct Transcript: Sendable {
        /// The handshake answer's head.
        var head = ""
        /// Payloads of the text frames, in order.
        var messages: [String] = []
        /// The close frame's status code, once one arrived.
        var closeCode: UInt16?
        /// Frames after the close frame (a protocol violation).
        var framesAfterClose = 0
        /// False when the client gave up waiting and closed the connection itself.
        var closedByServer = false
    }

    static func exchange(
        port: Int, path: String, headers: [(String, String)], send: [Outgoing] = [], giveUpAfter: TimeAmount = .seconds(5)
    ) async throws -> Transcript {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        var bytes = ByteBuffer(string: request)
        for frame in send {
            switch frame {
            case .text(let text): writeFrame(opcode: 0x1, payload: Array(text.utf8), to: &bytes)
            case .close(let code): writeFrame(opcode: 0x8, payload: [UInt8(code >> 8), UInt8(code & 0xff)], to: &bytes)
            }
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.next().makePromise(of: Transcript.self)
        let reader = Reader(done: done, closeSent: send.contains { if case .close = $0 { true } else { false } })
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(reader) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(bytes)
        let giveUp = channel.eventLoop.scheduleTask(in: giveUpAfter) {
            reader.gaveUp = true
            channel.close(promise: nil)
        }
        let transcript = try await done.futureResult.get()
        giveUp.cancel()
        return transcript
    }

    /// Appends one masked frame (fixed mask key; the payload is short).
    static func writeFrame(opcode: UInt8, payload: [UInt8], to buffer: inout ByteBuffer) {
        let mask: [UInt8] = [0x37, 0xfa, 0x21, 0x3d]
        buffer.writeInteger(0x80 | opcode)
        if payload.count < 126 {
            buffer.writeInteger(0x80 | UInt8(payload.count))
        } else {
            buffer.writeInteger(UInt8(0x80 | 126))
            buffer.writeInteger(UInt16(payload.count))
        }
        buffer.writeBytes(mask)
        buffer.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
    }

    // @unchecked: every member is used on the channel's event loop only.
    final class Reader: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let done: EventLoopPromise<Transcript>
        var closeSent: Bool
        var gaveUp = false
        var received = ByteBuffer()
        var transcript = Transcript()
        var headRead = false

        init(done: EventLoopPromise<Transcript>, closeSent: Bool) {
            self.done = done
            self.closeSent = closeSent
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            received.writeBuffer(&buffer)
            if !headRead {
                let text = String(buffer: received)
                guard let end = text.range(of: "\r\n\r\n") else { return }
                transcript.head = String(text[..<end.lowerBound])
                received.moveReaderIndex(forwardBy: text[..<end.upperBound].utf8.count)
                headRead = true
            }
            while let (opcode, payload) = nextFrame() {
                if transcript.closeCode != nil {
                    transcript.framesAfterClose += 1
                } else if opcode == 0x1 {
                    transcript.messages.append(String(decoding: payload, as: UTF8.self))
                } else if opcode == 0x8 {
                    transcript.closeCode = payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : 1005
                    if !closeSent {
                        closeSent = true
                        var reply = ByteBuffer()
                        RawWebSocketClient.writeFrame(opcode: 0x8, payload: Array(payload.prefix(2)), to: &reply)
                        context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
                    }
                }
            }
        }

        /// The next whole frame in `received` (server frames are not masked).
        func nextFrame() -> (UInt8, [UInt8])? {
            guard let first = received.getInteger(at: received.readerIndex, as: UInt8.self),
                let second = received.getInteger(at: received.readerIndex + 1, as: UInt8.self)
            else { return nil }
            var offset = 2
            var length = Int(second & 0x7f)
            if length == 126 {
                guard let long = received.getInteger(at: received.readerIndex + 2, as: UInt16.self) else { return nil }
                length = Int(long)
                offset += 2
            } else if length == 127 {
                guard let long = received.getInteger(at: received.readerIndex + 2, as: UInt64.self) else { return nil }
                length = Int(long)
                offset += 8
            }
            guard let payload = received.getBytes(at: received.readerIndex + offset, length: length) else { return nil }
            received.moveReaderIndex(forwardBy: offset + length)
            return (first & 0x0f, payload)
        }

        func channelInactive(context: ChannelHandlerContext) {
            transcript.closedByServer = !gaveUp
            done.succeed(transcript)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // A reset once the exchange is over ends it like a close.
            context.close(promise: nil)
        }
    }
}
