import Store

/// A named pre-training mixture: an ordered list of components, stored once and never changed
/// (`mixtures`, `mixture_components`); `Snapshot.create` materialises it.
///
///     let components = try ["augmented:run=1", "raw:source=web,exclude-run=1"].map { try MixtureComponent.parse($0) }
///     let id = try Mixture.create(name: "scratch", components: components, store: store)
public enum Mixture {
    /// Stores the mixture in one transaction; returns its id. A name already taken is refused.
    public static func create(name: String, components: [MixtureComponent], store: Store) throws -> Int64 {
        try store.write { db in try MixingRepository.createMixture(name: name, components: components, in: db) }
    }
}
