/// The two throughput figures of a drained run: from Start (the headline, what an operator
/// waits) and steady (first commit → end, without the start-up), with the same id stem.
enum Throughput {
    static func figures(
        id: String, label: String, records: Int, drain: IngressRun.Drain, started: ContinuousClock.Instant,
        target: Figure.Target?
    ) -> (total: Double, steady: Double?, figures: [Figure]) {
        let (total, steady, note) = drain.rates(records: records, started: started)
        var figures = [
            Figure(id: "\(id).rate", workflow: "crm-to-campaign", label: label, value: total, unit: "records/s",
                   scale: records, target: target, note: note),
        ]
        if let steady {
            figures.append(Figure(
                id: "\(id).steady-rate", workflow: "crm-to-campaign", label: "\(label), steady", value: steady,
                unit: "records/s", scale: records, note: "from the writer group's first commit to the end"))
        }
        return (total, steady, figures)
    }
}
