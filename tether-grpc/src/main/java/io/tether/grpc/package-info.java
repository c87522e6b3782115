/**
 * Deadlines and cancellation across gRPC calls, in both directions.
 *
 * <ul>
 *   <li>Server: {@link io.tether.grpc.ServerContexts} gives each call a Tether {@link
 *       io.tether.Context} with the call's deadline, cancelled when the call ends (client cancel,
 *       client gone, deadline, completion); the handler reads it with {@link
 *       io.tether.grpc.ServerContexts#current()}. {@link io.tether.grpc.CallEndedException} says
 *       why it ended.
 *   <li>Client: {@link io.tether.grpc.ClientContexts#under} makes a stub's calls run under a
 *       context: its remaining time becomes the call's deadline and its cancellation cancels the
 *       call.
 * </ul>
 *
 * A middle service passes the server context to its client calls, and the deadline and the cancel
 * travel down the chain.
 */
package io.tether.grpc;
