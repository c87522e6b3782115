/**
 * The Tether leak check for JUnit 5: Go's goleak for Java, virtual threads included, that names
 * each leak's shape and its fix.
 *
 * <p>Entry points: {@link io.tether.junit.LeakCheck} (a JUnit extension, per test or per class),
 * {@link io.tether.junit.LeakCheckListener} (the whole suite, switched on by {@code
 * tether.leakcheck.suite=true} in {@code junit-platform.properties}) and {@link
 * io.tether.junit.Leaks} (by hand). A leak is a {@link io.tether.junit.Leak}; its shape a {@link
 * io.tether.junit.LeakPattern}; a failed check throws {@link io.tether.junit.LeakError}.
 */
package io.tether.junit;
