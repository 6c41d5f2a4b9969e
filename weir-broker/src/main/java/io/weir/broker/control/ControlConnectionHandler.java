package io.weir.broker.control;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One control-plane connection: hands each decoded request to the dispatcher and writes the
 * responses back in request order, whatever order they complete in (a ControlledShutdown waits
 * for the controller while later requests may already be answered). Reading pauses while
 * {@link #MAX_IN_FLIGHT} requests wait for their responses or while the peer does not read what
 * was written, so a connection holds a bounded amount of memory. A frame that does not decode, a
 * response-type frame sent as a request, or an unexpected failure closes the connection.
 *
 * <p>One per connection; confined to its event loop (response completions are handed to it).
 */
final class ControlConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ControlConnectionHandler.class);
    static final int MAX_IN_FLIGHT = 16;

    /** A request waiting for its response; written once it and all before it are complete. */
    private static final class Pending {
        final int correlationId;
        Object response;

        Pending(int correlationId) {
            this.correlationId = correlationId;
        }
    }

    private final ControlRequestDispatcher dispatcher;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean closing;

    ControlConnectionHandler(ControlRequestDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ControlFrame frame = (ControlFrame) msg;
        if (closing) {
            return;
        }
        if (!frame.type().isRequest()) {
            close(ctx, "a " + frame.type() + " frame is not a request");
            return;
        }
        Pending request = new Pending(frame.correlationId());
        pending.add(request);
        updateReading(ctx);
        dispatcher.dispatch(frame).whenComplete((response, error) -> onHandled(ctx, request, response, error));
    }

    /** Any thread. */
    private void onHandled(ChannelHandlerContext ctx, Pending request, Object response, Throwable error) {
        try {
            ctx.executor().execute(() -> {
                if (error != null) {
                    close(ctx, "server closing (" + error + ")");
                    return;
                }
                request.response = response;
                writeCompleted(ctx);
            });
        } catch (RejectedExecutionException e) {
            // The event loop is shut down: the connection is gone and the response with it.
        }
    }

    private void writeCompleted(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().response != null) {
            Pending done = pending.poll();
            ByteBuffer frame;
            try {
                frame = ControlCodec.encode(done.correlationId, done.response);
            } catch (RuntimeException e) {
                LOG.error("Cannot encode control-plane response {}", done.response, e);
                close(ctx, "response encoding failed");
                return;
            }
            ByteBuf buf = ctx.alloc().buffer(frame.remaining());
            buf.writeBytes(frame);
            ctx.write(buf);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        updateReading(ctx);
    }

    private void updateReading(ChannelHandlerContext ctx) {
        ChannelConfig config = ctx.channel().config();
        boolean read = !closing && pending.size() < MAX_IN_FLIGHT && ctx.channel().isWritable();
        if (config.isAutoRead() != read) {
            config.setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(ctx, cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        pending.clear();
        ctx.fireChannelInactive();
    }

    private void close(ChannelHandlerContext ctx, String why) {
        if (!closing) {
            closing = true;
            LOG.warn("Closing control-plane connection from {}: {}", ctx.channel().remoteAddress(), why);
        }
        pending.clear();
        ctx.close();
    }
}
