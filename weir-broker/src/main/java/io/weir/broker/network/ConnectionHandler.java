package io.weir.broker.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import org.apache.kafka.common.network.Send;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.weir.common.Time;

/**
 * One connection's request cycle, Kafka's rule: a connection has at most one request in the
 * broker, and the next one is handed to the handlers only when that request is completed
 * (response written, no response, or close), so requests are handled and answered strictly in
 * order. A request handled inline and answered before its handler returned counts as completed
 * once its response is queued on the channel, behind the responses before it: the held frames
 * are then handled one after the other and their responses leave in one flush, while the channel
 * stays writable. Unlike Kafka, the connection may keep reading while a request is in the broker, up to
 * {@code weir.socket.read.ahead.bytes} of further frames: they wait here, in order, with any
 * framing error behind them, so a client that pipelines (the Java producer keeps up to five
 * requests in flight) costs no mute, unmute and fresh read of the socket per request. Reading
 * pauses while that much is held, while the request queue is full, or while the channel is over
 * its write-buffer high water mark (a client that does not read its responses).
 *
 * <p>Produce and fetch are handled right here on the event loop when {@link InlineHandling} says so.
 *
 * <p>Confined to the connection's event loop, except {@link #complete} and {@link #isOpen}, which
 * any thread may call; completion is handed to the event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter implements RequestCompletion {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    /** A framing error, queued behind the frames that came before it. */
    private record FrameError(String message) {
    }

    /** How an inline handler completed its request before returning (response null: none). */
    private record InlineAnswer(Send response, boolean close) {
    }

    /** What a held frame counts against the read-ahead besides its bytes, so tiny frames are bounded too. */
    private static final int FRAME_OVERHEAD_BYTES = 512;

    private final String listenerName;
    private final long connectionIndex;
    private final RequestParser parser;
    private final RequestChannel requestChannel;
    private final InlineHandling inline;
    private final ReadGate readGate;
    private final Time time;
    private final RequestDoneListener doneListener;
    private final int readAheadBytes;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private long pendingBytes;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private ConnectionInfo info;
    private Request inFlight;
    private boolean closing;
    private boolean peerClosed;
    private boolean inputClosed;
    private boolean waitingForSpace;
    /** True while an inline handler runs on this loop: a completion meanwhile is taken synchronously. */
    private boolean handlingInline;
    /** The completion taken while {@link #handlingInline}; null if the request is still open. */
    private InlineAnswer inlineAnswer;
    /** Responses written to the channel since the last flush. */
    private boolean unflushed;
    private boolean dispatching;
    private boolean dispatchAgain;
    /** Between channelRead and channelReadComplete: flushing waits for the end of the read. */
    private boolean reading;

    ConnectionHandler(String listenerName, long connectionIndex, RequestParser parser, RequestChannel requestChannel,
                      InlineHandling inline, ReadGate readGate, Time time, RequestDoneListener doneListener,
                      int readAheadBytes) {
        this.listenerName = listenerName;
        this.connectionIndex = connectionIndex;
        this.parser = parser;
        this.requestChannel = requestChannel;
        this.inline = inline;
        this.readGate = readGate;
        this.time = time;
        this.doneListener = doneListener;
        this.readAheadBytes = readAheadBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.channel = context.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        info = connectionInfo();
        readGate.pause(ctx);
        updateReading();
        context.fireChannelActive();
    }

    /** Kafka's connection id; a non-IP channel (EmbeddedChannel in tests) has no client address. */
    private ConnectionInfo connectionInfo() {
        if (channel.localAddress() instanceof InetSocketAddress local
                && channel.remoteAddress() instanceof InetSocketAddress remote) {
            String id = local.getAddress().getHostAddress() + ":" + local.getPort() + "-"
                + remote.getAddress().getHostAddress() + ":" + remote.getPort() + "-" + connectionIndex;
            return new ConnectionInfo(id, remote.getAddress(), listenerName);
        }
        return new ConnectionInfo(channel.localAddress() + "-" + channel.remoteAddress() + "-" + connectionIndex,
            null, listenerName);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        hold(msg);
        reading = true;
        dispatchNext();
    }

    /** The end of a read: the answers to the frames it brought leave in one write. */
    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        reading = false;
        dispatchNext();
        context.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (closing) {
            return;
        }
        if (cause instanceof DecoderException) {
            // Answer what came before the bad frame first, as Kafka would; read nothing more.
            readGate.pause(ctx);
            pending.add(new FrameError(cause.getMessage()));
            dispatchNext();
        } else if (cause instanceof IOException) {
            LOG.debug("Connection {} failed: {}", id(), cause.toString());
            close();
        } else {
            LOG.warn("Closing connection {} after an unexpected error: {}", id(), cause.toString());
            close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            // The client closed its side after its last request: handle what it sent (frames
            // already decoded wait in pending), then close (updateReading).
            inputClosed = true;
            updateReading();
        } else if (event instanceof IdleStateEvent && inFlight == null) {
            LOG.debug("Closing idle connection {}", id());
            close();
        } else {
            context.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        dispatchNext();
        context.fireChannelWritabilityChanged();
    }

    /**
     * The peer closed (or the connection broke). Requests it sent before closing are still
     * handled, in order, as Kafka does — an acks=0 producer commonly closes right after its last
     * send — but nothing more is read and their responses are dropped. When this broker closed
     * the connection itself ({@link #close()}), nothing more is handled.
     */
    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (!closing) {
            peerClosed = true;
        }
        closing = true;
        if (!peerClosed) {
            inFlight = null;
            releasePending();
        }
        context.fireChannelInactive();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void complete(Request request, Send response, boolean close) {
        if (channel.eventLoop().inEventLoop() && handlingInline) {
            // The inline handler answered before returning: dispatchHeld writes it and goes on.
            inlineAnswer = new InlineAnswer(response, close);
            return;
        }
        onEventLoop(() -> onCompleted(request, response, close));
    }

    /**
     * Hands the next held frames to the handlers, one at a time, while each is answered at once
     * (inline); flushes the responses written meanwhile with one write (at the end of the read when
     * called from one); then reads on or pauses as the frames now held allow. A call from inside (a
     * flush that completes a write or makes the channel writable again) makes the running call go
     * round once more instead.
     */
    private void dispatchNext() {
        if (dispatching) {
            dispatchAgain = true;
            return;
        }
        dispatching = true;
        try {
            do {
                dispatchAgain = false;
                dispatchHeld();
                if (unflushed && !reading) {
                    unflushed = false;
                    channel.flush();
                }
            } while (dispatchAgain);
        } finally {
            dispatching = false;
        }
        updateReading();
    }

    private void dispatchHeld() {
        // An unwritable channel (a client that does not read) stops the dispatch; a closed one
        // does not: what the peer sent before closing is still handled, its responses dropped.
        while (inFlight == null && (!closing || peerClosed) && (channel.isWritable() || !channel.isActive())) {
            Object next = take();
            if (next == null) {
                return;
            }
            if (next instanceof FrameError error) {
                LOG.warn("Closing connection {}: invalid request frame: {}", id(), error.message());
                close();
                return;
            }
            if (peerClosed && !(next instanceof ByteBuf)) {
                ReferenceCountUtil.release(next);
                continue;
            }
            Request request = parse((ByteBuf) next);
            if (request == null) {
                return;
            }
            inFlight = request;
            submit(request);
        }
    }

    /** What an inline handler's synchronous answer does: as {@link #onCompleted}, without waiting for the write. */
    private void onCompletedInline(Request request, InlineAnswer answer) {
        if (!channel.isActive() || answer.close() || answer.response() == null) {
            onCompleted(request, answer.response(), answer.close());
            return;
        }
        write(request, answer.response(), false);
        inFlight = null;
    }

    private void hold(Object msg) {
        pending.add(msg);
        if (msg instanceof ByteBuf frame) {
            pendingBytes += frame.readableBytes() + FRAME_OVERHEAD_BYTES;
        }
    }

    private Object take() {
        Object next = pending.poll();
        if (next instanceof ByteBuf frame) {
            pendingBytes -= frame.readableBytes() + FRAME_OVERHEAD_BYTES;
        }
        return next;
    }

    private Request parse(ByteBuf frame) {
        try {
            return parser.parse(frame, info, time.nanoseconds(), this);
        } catch (RequestParser.InvalidFrameException e) {
            LOG.warn("Closing connection {}: {}", id(), e.getMessage());
            close();
            return null;
        } finally {
            frame.release();
        }
    }

    /**
     * Handles the request here if it is one the network thread handles inline, else queues it for
     * the handler threads. An inline request answered before its handler returns is written here
     * (flushed by {@link #dispatchNext} together with the answers after it) and the loop in
     * {@link #dispatchHeld} moves on to the next frame; any other completion comes back as a task
     * on this event loop.
     */
    private void submit(Request request) {
        if (inline.accepts(request)) {
            handlingInline = true;
            try {
                RequestHandlerPool.handle(inline.handler(), request, time);
            } finally {
                handlingInline = false;
            }
            InlineAnswer answer = inlineAnswer;
            inlineAnswer = null;
            if (answer != null) {
                onCompletedInline(request, answer);
            }
        } else if (!requestChannel.offer(request)) {
            requestChannel.whenSpace(() -> onEventLoop(() -> retrySubmit(request)));
        }
    }

    private void retrySubmit(Request request) {
        if (inFlight != request || !channel.isActive()) {
            request.releaseFrame(); // dropped before any handler saw it
        } else if (!requestChannel.offer(request)) {
            requestChannel.whenSpace(() -> onEventLoop(() -> retrySubmit(request)));
            return;
        }
        requestChannel.passOn();
    }

    /**
     * Reads on while there is room: nothing in the broker and nothing held, or less than the
     * read-ahead held; pauses otherwise. Closes a half-closed connection once all it sent is answered.
     */
    private void updateReading() {
        if (inputClosed && !closing && inFlight == null && pending.isEmpty()) {
            close(); // everything the client sent before closing is answered
            return;
        }
        if (closing || !channel.isActive()) {
            return;
        }
        boolean room = inFlight == null && pending.isEmpty() || pendingBytes < readAheadBytes;
        if (room && channel.isWritable() && !requestQueueFull()) {
            if (readGate.isPaused()) {
                readGate.resume(ctx);
            }
        } else if (!readGate.isPaused()) {
            readGate.pause(ctx); // channelWritabilityChanged or onSpace calls again
        }
    }

    private boolean requestQueueFull() {
        if (!requestChannel.isFull()) {
            return false;
        }
        if (!waitingForSpace) {
            waitingForSpace = true;
            requestChannel.whenSpace(() -> onEventLoop(this::onSpace));
        }
        return true;
    }

    private void onSpace() {
        waitingForSpace = false;
        updateReading();
        requestChannel.passOn();
    }

    private void onCompleted(Request request, Send response, boolean close) {
        if (request != inFlight) {
            return;
        }
        if (!channel.isActive()) {
            // The peer is gone: drop the response (nothing was allocated for it yet) and handle
            // the next request it sent before closing.
            inFlight = null;
            if (peerClosed) {
                dispatchNext();
            }
            return;
        }
        if (close) {
            LOG.debug("Closing connection {} as the handler of {} asked", id(), request);
            close();
        } else if (response == null) {
            doneListener.onRequestDone(request, time.nanoseconds());
            inFlight = null;
            dispatchNext();
        } else {
            write(request, response, true);
        }
    }

    /**
     * Writes the response. With {@code awaitWrite} the connection's next request waits until it
     * is written (a response completed later, from another thread or task); without, the caller
     * moves on at once and {@link #dispatchNext} flushes it with the responses after it.
     */
    private void write(Request request, Send response, boolean awaitWrite) {
        List<Object> messages;
        try {
            messages = OutboundMessages.of(response, channel.alloc());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing connection {}: cannot write the response to {}: {}", id(), request, e.toString());
            close();
            return;
        }
        int last = messages.size() - 1;
        for (int i = 0; i < last; i++) {
            channel.write(messages.get(i)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        ChannelFuture written = channel.write(messages.get(last));
        written.addListener((ChannelFuture f) -> onResponseWritten(request, f));
        if (awaitWrite) {
            channel.flush();
        } else {
            unflushed = true;
        }
    }

    private void onResponseWritten(Request request, ChannelFuture future) {
        if (!future.isSuccess()) {
            LOG.debug("Closing connection {}: writing the response to {} failed: {}", id(), request,
                String.valueOf(future.cause()));
            close();
            return;
        }
        doneListener.onRequestDone(request, time.nanoseconds());
        if (inFlight == request) {
            inFlight = null;
            dispatchNext();
        }
    }

    private void onEventLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            // The server is shutting down; its connections are closed anyway.
        }
    }

    private void close() {
        closing = true;
        peerClosed = false;
        releasePending();
        channel.close();
    }

    private void releasePending() {
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        pendingBytes = 0;
    }

    private String id() {
        return info != null ? info.connectionId() : String.valueOf(channel.remoteAddress());
    }
}
