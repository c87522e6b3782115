module tether.io/bench

go 1.19
