/**
 * The Tether leak check for JUnit 5: goleak for Java, virtual threads included.
 *
 * <p>Empty for now; the leak check comes with its own issue.
 */
package io.tether.junit;
