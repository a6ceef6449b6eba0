/**
 * Real signed messages from pyaleph's and aleph-nodestatus's own tests (spec aleph-network §8.1),
 * in the shape `GET /api/v0/messages.json` lists them.
 */

/** V1: pyaleph tests/chains/test_evm.py. */
export const V1 = {
	item_hash: "f524a258d87f1771e8538fd4fd91acdcc527c3b7f138fafd6ff89a5fcf97c3b7",
	type: "POST",
	chain: "ETH",
	sender: "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874",
	signature:
		"0x99efc66c781c889e1f21c680869c832141dcee90189e75e85f570b8b49e72dee0338d77c214ae55bfcb886bbd7bac6dc4dcfda4eb0d2c47ed93d51b36b7259b01c",
	time: 1730410918.092607,
	item_type: "inline",
	item_content:
		'{"address":"0xA07B1214bAe0D5ccAA25449C3149c0aC83658874","time":1730410918.0924816,"content":{"type":"polygon","address":"0xA07B1214bAe0D5ccAA25449C3149c0aC83658874","content":{"body":"This message was posted from the typescript-SDK test suite"},"time":1689163528.372},"type":"test"}',
	channel: "ALEPH-CLOUDSOLUTIONS",
};

/** V2: pyaleph tests/permissions/test_check_sender_authorization.py, test_owner_is_sender. */
export const V2 = {
	chain: "ETH",
	item_hash: "2a5aaf71c8767bda8eb235223a3387b310af117f42fac08f02461e90aee073b0",
	sender: "0xdeF61fAadE93a8aaE303D083Ead5BF7a25E55a23",
	type: "STORE",
	channel: "TEST",
	item_content:
		'{"address":"0xdeF61fAadE93a8aaE303D083Ead5BF7a25E55a23","item_type":"storage","item_hash":"e916165d63c9b1d455dc415859ec3e1da5a3c6c86cc743cbedf2203fd92a2b1b","time":1652085236.777}',
	item_type: "inline",
	signature:
		"0x51383ef8823665bd8ea1150175be0c3745a36ea1f0d503ceb51e0d7ff1fd88a5290665564bf9c2315d97884e7448efdb8d4b4f8293b47a641c2ff43f21b6c5b61c",
	time: 1652085236.777,
};

/** V3: same file, test_store_unauthorized: a valid signature for someone else's address. */
export const V3 = {
	chain: "ETH",
	channel: "TEST",
	item_content:
		'{"address":"VM on executor","time":1651050219.3481126,"content":{"date":"2022-04-27T09:03:38.361081","test":true,"answer":42,"something":"interesting"},"type":"test"}',
	item_hash: "498a10255877a74609654b673af4f8f29eb8ef1aa5d6265d9a6bf9e342d352db",
	item_type: "inline",
	sender: "0x8b5C865d6ff6Dd5C5c402C8D918F7edd189C74D4",
	signature:
		"0xad5101992e1bf71bd292883bdbcf4aee761c9c4d8020a9eabfeec3367ed7c85e25fa73fccf253b343ff9f014f11aaaf2a25ae89dbaebf6f11e1523ea695c0c231b",
	time: 1651050219.3488848,
	type: "POST",
};

/**
 * V4: aleph-nodestatus tests/fixtures/expense_execution.json: a real credit expense, a storage
 * item signed by the issuer's delegate. `content` is the CCN's JSONB rendering (first three of its
 * credits), not the stored bytes.
 */
export const V4 = {
	sender: "0x6aeaEEb08720DEc9d6dae1A8fc49344Dd99391Ac",
	chain: "ETH",
	signature:
		"0x63e2fece21b95f153f84d6aede318a7a32100287dba69d2bc194287fa8e69d8e2dc8f557809496224dfcc531238cda62e42419f34bf0b06e93cde15ecff580b41c",
	type: "POST",
	item_content: null,
	item_type: "storage",
	item_hash: "c1cfc9bf519de2bbe19749a3996bd6119f940fa91e9a30f317cce8939bb6b21a",
	time: 1778060633.717,
	channel: "ALEPH_CREDIT",
	content: {
		address: "0x2E4454fAD1906c0Ce6e45cBFA05cE898Ac3AC1dC",
		time: 1778060633.717,
		content: {
			tags: ["credit_expense", "type_execution"],
			expense: {
				count: 987,
				amount: 49856661,
				credits: [
					{
						ref: "026e3250712cfae4d65f138738316e7368c7bf3f45383e6d3048394b36e1f4e7",
						time: 3600.489,
						price: 15.833333333333334,
						amount: 57008,
						address: "0xaAf798d5F80dAEE72AEe8557B890809E9f5B6072",
						node_id: "58824ca94b6cbe4e9563eef08c1a64836ce92b383596c7deb2a319d33da44c6b",
						execution_id: "0fbb350777c7d3c3a9533b4c9d766e8a1d1e02c07af67911df19db020dad1b90",
					},
					{
						ref: "026e3250712cfae4d65f138738316e7368c7bf3f45383e6d3048394b36e1f4e7",
						time: 3600.489,
						price: 15.833333333333334,
						amount: 57008,
						address: "0xaAf798d5F80dAEE72AEe8557B890809E9f5B6072",
						node_id: "58824ca94b6cbe4e9563eef08c1a64836ce92b383596c7deb2a319d33da44c6b",
						execution_id: "1a4ea7d45f2a042a4030e648345a78255f97c828467d5ac4978e38019192f121",
					},
					{
						ref: "026e3250712cfae4d65f138738316e7368c7bf3f45383e6d3048394b36e1f4e7",
						time: 3600.489,
						price: 3.9583333333333335,
						amount: 14252,
						address: "0x4b8bEad5cA3084D0AcFEA8FA9B0215Ec639b0864",
						node_id: "58824ca94b6cbe4e9563eef08c1a64836ce92b383596c7deb2a319d33da44c6b",
						execution_id: "36af17e2e95ec3dc78b444b44e29a899ef7e1d0285fdbc120e7359fc562834aa",
					},
				],
			},
		},
		type: "aleph_credit_expense",
	},
	confirmations: [{ chain: "ETH", hash: "4b01e709fae4", height: 25035348 }],
	confirmed: true,
	size: 343349,
};

/** pyaleph tests/chains/test_avalanche.py (signed by the TypeScript SDK's test suite). */
export const AVAX = {
	item_hash: "3c4d948a22c3d41b7d189555ee4a285cb490ec553f3d135cc3b2f0cfddf5c0f2",
	type: "POST",
	chain: "AVAX",
	sender: "X-avax14x5a42stua94l2vxjcag6c9ftd8ea0y8fltdwv",
	signature: "3WRUvPbp7euNQvxuhV2YaFUJHN2Xoo8yku67MTuhfk8bRvDQz6hysQrrkfyKweXSCDNzfjrYzd1PwhGWdTJGZAvuMPiEJvJ",
	item_type: "inline",
	item_content:
		'{"type":"avalanche","address":"X-avax14x5a42stua94l2vxjcag6c9ftd8ea0y8fltdwv","content":{"body":"This message was posted from the typescript-SDK test suite"},"time":1689163528.372}',
	time: 1689163528.372,
	channel: "TEST",
};

/** pyaleph tests/chains/test_solana.py. */
export const SOL = {
	item_hash: "6dc1b023dd1e64d28037f49a921412b3e04cf7b2b3d2537c6ae0ad2c239eae3f",
	type: "POST",
	chain: "SOL",
	sender: "AzfsDdCQp8uqzR4ProJ7yyLGKNp9iXHt92rEoiAHG4Pw",
	signature:
		'{"signature": "56hzHaJHH3bz1DtU6Wjhyn7eLsMCYSY4HcXkKrpwAdEHFdw7k95NPzubR3x7otstbr5JCffw81Qqpd9YUq8XJuFi","publicKey": "AzfsDdCQp8uqzR4ProJ7yyLGKNp9iXHt92rEoiAHG4Pw"}',
	item_type: "inline",
	item_content:
		'{"type":"note","address":"AzfsDdCQp8uqzR4ProJ7yyLGKNp9iXHt92rEoiAHG4Pw","content":{"body":"this is a test!","title":"Test note","private":false,"notebook":null},"time":1610379947.771}',
	time: 1610379947.771,
};
