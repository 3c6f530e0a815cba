#ifndef CRDKAFKA_SHIM_H
#define CRDKAFKA_SHIM_H
// librdkafka through a system-library target. Variadic entry points
// (rd_kafka_producev) are not callable from Swift; the project uses
// rd_kafka_produceva, which takes an array of typed values instead.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
