/// The released version of Gatehouse, printed by `gatehouse --version`.
enum GatehouseVersion {
    static let current = "0.1.0"
}
