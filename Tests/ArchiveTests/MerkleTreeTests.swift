@testable import Archive
import XCTest

/// The Certificate Transparency reference vectors for RFC 6962 (the eight
/// leaves of its merkle_tree_test), then every shape of tree up to 40 leaves.
final class MerkleTreeTests: XCTestCase {
    static let leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    private func referenceTree() -> MerkleTree {
        let tree = MerkleTree()
        for leaf in Self.leaves { tree.append(leafData: [UInt8](hex: leaf)!) }
        return tree
    }

    /// The frontier a nightly run appends to gives the reference roots, and every root of a full tree
    /// up to 70 leaves, stored and read back at any size.
    func testTheFrontierGivesTheRootsOfTheWholeTree() throws {
        var frontier = MerkleFrontier()
        XCTAssertEqual(frontier.root.hex, Self.roots[0])
        for (size, leaf) in Self.leaves.enumerated() {
            frontier.append(leafHash: MerkleTree.leafHash([UInt8](hex: leaf)!))
            XCTAssertEqual(frontier.root.hex, Self.roots[size + 1], "size \(size + 1)")
        }
        let tree = MerkleTree()
        var grown = MerkleFrontier()
        for number in 0..<70 {
            let leaf = Array("leaf \(number)".utf8)
            tree.append(leafData: leaf)
            grown.append(leafHash: MerkleTree.leafHash(leaf))
            XCTAssertEqual(grown.root, tree.root(size: number + 1), "size \(number + 1)")
            XCTAssertEqual(grown.peaks.count, (number + 1).nonzeroBitCount)
            let stored = try XCTUnwrap(MerkleFrontier(size: grown.size, peaks: grown.peaks))
            XCTAssertEqual(stored, grown)
        }
        XCTAssertNil(MerkleFrontier(size: 6, peaks: [MerkleTree.emptyRoot]), "6 leaves have two peaks")
    }

    func testRootsMatchTheReference() {
        let tree = referenceTree()
        for size in 0...8 { XCTAssertEqual(tree.root(size: size)?.hex, Self.roots[size], "size \(size)") }
        XCTAssertNil(tree.root(size: 9))
    }

    func testInclusionProofsMatchTheReference() {
        let tree = referenceTree()
        let vectors: [(index: Int, size: Int, proof: [String])] = [
            (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
            (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        ]
        for vector in vectors {
            let proof = tree.inclusionProof(leaf: vector.index, size: vector.size)
            XCTAssertEqual(proof?.map(\.hex), vector.proof, "\(vector.index)/\(vector.size)")
            XCTAssertTrue(MerkleTree.verifyInclusion(leafHash: tree.leafHashes[vector.index], index: vector.index,
                                                     size: vector.size, proof: proof ?? [],
                                                     root: [UInt8](hex: Self.roots[vector.size])!))
        }
    }

    func testConsistencyProofsMatchTheReference() {
        let tree = referenceTree()
        let vectors: [(old: Int, new: Int, proof: [String])] = [
            (1, 1, []),
            (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
            (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        ]
        for vector in vectors {
            let proof = tree.consistencyProof(from: vector.old, to: vector.new)
            XCTAssertEqual(proof?.map(\.hex), vector.proof, "\(vector.old)→\(vector.new)")
            XCTAssertTrue(MerkleTree.verifyConsistency(oldSize: vector.old, newSize: vector.new,
                                                       oldRoot: [UInt8](hex: Self.roots[vector.old])!,
                                                       newRoot: [UInt8](hex: Self.roots[vector.new])!, proof: proof ?? []))
        }
    }

    func testEveryProofOfEveryShapeVerifiesAndATamperedOneFails() {
        let tree = MerkleTree()
        for value in 0..<40 { tree.append(leafData: [UInt8(value), UInt8(truncatingIfNeeded: value * 7)]) }
        for size in 1...40 {
            let root = tree.root(size: size)!
            for index in 0..<size {
                let proof = tree.inclusionProof(leaf: index, size: size)!
                XCTAssertTrue(MerkleTree.verifyInclusion(leafHash: tree.leafHashes[index], index: index, size: size,
                                                         proof: proof, root: root), "\(index)/\(size)")
                XCTAssertFalse(MerkleTree.verifyInclusion(leafHash: MerkleTree.leafHash([0xFF]), index: index, size: size,
                                                          proof: proof, root: root))
            }
            for old in 1...size {
                let proof = tree.consistencyProof(from: old, to: size)!
                XCTAssertTrue(MerkleTree.verifyConsistency(oldSize: old, newSize: size, oldRoot: tree.root(size: old)!,
                                                           newRoot: root, proof: proof), "\(old)→\(size)")
                if old < size {
                    var wrongOld = tree.root(size: old)!
                    wrongOld[0] ^= 1
                    XCTAssertFalse(MerkleTree.verifyConsistency(oldSize: old, newSize: size, oldRoot: wrongOld, newRoot: root,
                                                                proof: proof))
                }
            }
        }
    }
}
