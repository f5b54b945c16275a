// Package sim holds the province simulation behind `make bench`: N
// volunteers' devices through M commune hubs to one central server, all
// on loopback. Central and the hubs are real dinhd processes, so their
// memory is measured as the province would see it; the devices run in
// the benchmark's process, each a full sync/field Device. See
// BenchmarkProvince and the province section of ARCHITECTURE.md.
package sim
