// Package bench is Go's reference for Tether's JMH benchmarks: the same channel and spawn
// scenarios, with goroutines and Go channels, run by tether-bench/run with `go test -bench`.
//
// Every benchmark reports ns per unit in ns/op, where one op is what the JMH peer's score counts:
// a round trip (ping-pong), a value (SPSC, MPMC, select) or a task (spawn). As in the JMH
// classes, each op batch starts its own goroutines and waits for them, and b.N is the number of
// units, not of batches, so the figures compare with JMH's per-unit scores. GOMAXPROCS is Go's
// default (the number of CPUs), as the JVM's virtual-thread scheduler has one carrier per CPU.
package bench

import (
	"sync"
	"testing"
)

// pingPong: one round trip is a send on ping, echoed back on pong, both unbuffered.
func BenchmarkPingPong(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < b.N; i++ {
			pong <- <-ping
		}
		close(done)
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ping <- i
		if v := <-pong; v != i {
			b.Fatalf("sent %d, got %d back", i, v)
		}
	}
	<-done
}

// spsc: one producer, one consumer, one buffered channel; ns per value.
func spsc(b *testing.B, capacity int) {
	ch := make(chan int, capacity)
	b.ResetTimer()
	go func() {
		for i := 0; i < b.N; i++ {
			ch <- i
		}
	}()
	for i := 0; i < b.N; i++ {
		if v := <-ch; v != i {
			b.Fatalf("expected %d, got %d", i, v)
		}
	}
}

func BenchmarkSpsc16(b *testing.B)   { spsc(b, 16) }
func BenchmarkSpsc1024(b *testing.B) { spsc(b, 1024) }

// mpmc4x4: 4 producers and 4 consumers on one channel of capacity 64; ns per value. Values are
// split evenly (the remainder of b.N goes to the first producer and consumer); the sum is checked.
func BenchmarkMpmc4x4(b *testing.B) {
	const workers, capacity = 4, 64
	ch := make(chan int, capacity)
	sums := make([]int, workers)
	var wg sync.WaitGroup
	share := func(w int) int {
		if w == 0 {
			return b.N/workers + b.N%workers
		}
		return b.N / workers
	}
	b.ResetTimer()
	next := 0
	for w := 0; w < workers; w++ {
		start, n := next, share(w)
		next += n
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := start; i < start+n; i++ {
				ch <- i
			}
		}()
		go func(w, n int) {
			defer wg.Done()
			for i := 0; i < n; i++ {
				sums[w] += <-ch
			}
		}(w, n)
	}
	wg.Wait()
	b.StopTimer()
	total := 0
	for _, s := range sums {
		total += s
	}
	if want := b.N * (b.N - 1) / 2; total != want {
		b.Fatalf("sum of received values %d, want %d", total, want)
	}
}

// select2: two producers, each on its own channel of capacity 16; the consumer selects over both;
// ns per value received.
func BenchmarkSelect2(b *testing.B) {
	a, c := make(chan int, 16), make(chan int, 16)
	na := b.N / 2
	b.ResetTimer()
	go func() {
		for i := 0; i < na; i++ {
			a <- i
		}
	}()
	go func() {
		for i := na; i < b.N; i++ {
			c <- i
		}
	}()
	nextA, nextC := 0, na
	for i := 0; i < b.N; i++ {
		select {
		case v := <-a:
			if v != nextA {
				b.Fatalf("a: expected %d, got %d", nextA, v)
			}
			nextA++
		case v := <-c:
			if v != nextC {
				b.Fatalf("c: expected %d, got %d", nextC, v)
			}
			nextC++
		}
	}
}

var empty = func() {}

// spawnBatch10k: start 10,000 goroutines with an empty body and wait for all (WaitGroup); ns
// per goroutine. b.N goroutines in batches of 10,000 (the last batch may be smaller).
func BenchmarkSpawnBatch10k(b *testing.B) {
	const batch = 10_000
	var wg sync.WaitGroup
	for done := 0; done < b.N; done += batch {
		n := batch
		if b.N-done < n {
			n = b.N - done
		}
		wg.Add(n)
		for i := 0; i < n; i++ {
			go func() {
				empty()
				wg.Done()
			}()
		}
		wg.Wait()
	}
}

// spawnSingle: start one goroutine and wait for it; ns per goroutine.
func BenchmarkSpawnSingle(b *testing.B) {
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		wg.Add(1)
		go func() {
			empty()
			wg.Done()
		}()
		wg.Wait()
	}
}
