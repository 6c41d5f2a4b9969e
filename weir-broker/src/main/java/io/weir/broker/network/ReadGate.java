package io.weir.broker.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Swallows socket reads while its connection is paused. Turning autoRead off is not enough:
 * the frame decoder asks for another read itself while a frame is incomplete, and would keep
 * reading the next request while one is still being handled. Sits next to the pipeline head.
 *
 * <p>Confined to the connection's event loop.
 */
final class ReadGate extends ChannelOutboundHandlerAdapter {

    private boolean paused;

    void pause(ChannelHandlerContext ctx) {
        paused = true;
        ctx.channel().config().setAutoRead(false);
    }

    /** Re-enables reading; setting autoRead issues the read that the gate now lets through. */
    void resume(ChannelHandlerContext ctx) {
        paused = false;
        ctx.channel().config().setAutoRead(true);
    }

    boolean isPaused() {
        return paused;
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!paused) {
            ctx.read();
        }
    }
}
