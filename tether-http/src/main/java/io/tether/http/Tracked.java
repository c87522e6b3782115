package io.tether.http;

/** An exchange that carries a request's Tether state: what {@link ContextFilter#context} reads. */
interface Tracked {
  RequestState state();
}
