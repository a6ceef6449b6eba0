import { parseAbi } from "viem";

/**
 * Hand-written, typed ABI fragments of the Superfluid contracts the devchain helpers call,
 * written from the interfaces of `@superfluid-finance/ethereum-contracts` 1.15.2. Units:
 * flow rates are int96 wei/s, amounts and deposits uint256 wei, timestamps and periods seconds.
 * Event topic0 values match `/work/shared/spec/superfluid.md` §C2 (asserted in the tests).
 */

/** Custom errors most often hit by tests, so viem decodes reverts bubbling through the host. */
export const superfluidErrorsAbi = parseAbi([
	"error CFA_ACL_OPERATOR_NO_CREATE_PERMISSIONS()",
	"error CFA_ACL_OPERATOR_NO_UPDATE_PERMISSIONS()",
	"error CFA_ACL_OPERATOR_NO_DELETE_PERMISSIONS()",
	"error CFA_FLOW_ALREADY_EXISTS()",
	"error CFA_FLOW_DOES_NOT_EXIST()",
	"error CFA_INSUFFICIENT_BALANCE()",
	"error CFA_NON_CRITICAL_SENDER()",
	"error CFA_INVALID_FLOW_RATE()",
	"error CFA_NO_SELF_FLOW()",
	"error SF_TOKEN_MOVE_INSUFFICIENT_BALANCE()",
	"error CFA_FWD_INVALID_FLOW_RATE()",
]);

/** SuperfluidFrameworkDeployer (test deployer, `utils/SuperfluidFrameworkDeployer.t.sol`). */
export const frameworkDeployerAbi = parseAbi([
	"function getNumSteps() pure returns (uint8)",
	"function executeStep(uint8 step)",
	"function getFramework() view returns ((address governance, address host, address cfa, address ida, address gda, address superTokenFactory, address superTokenLogic, address resolver, address superfluidLoader, address cfaV1Forwarder, address gdaV1Forwarder, address macroForwarder, address clearMacroForwarderV1WithPermit2, address batchLiquidator, address toga))",
	"function deployPureSuperToken(string _name, string _symbol, uint256 _initialSupply) returns (address)",
]);

/** Host (`ISuperfluid`). */
export const hostAbi = [
	...parseAbi([
		"function callAgreement(address agreementClass, bytes callData, bytes userData) returns (bytes returnedData)",
		"function getGovernance() view returns (address)",
	]),
	...superfluidErrorsAbi,
] as const;

/** Constant Flow Agreement v1: functions called through the host, reads and events. */
export const cfaAbi = parseAbi([
	"function createFlow(address token, address receiver, int96 flowRate, bytes ctx) returns (bytes newCtx)",
	"function updateFlow(address token, address receiver, int96 flowRate, bytes ctx) returns (bytes newCtx)",
	"function deleteFlow(address token, address sender, address receiver, bytes ctx) returns (bytes newCtx)",
	"function getFlow(address token, address sender, address receiver) view returns (uint256 timestamp, int96 flowRate, uint256 deposit, uint256 owedDeposit)",
	"function getNetFlow(address token, address account) view returns (int96 flowRate)",
	"function getAccountFlowInfo(address token, address account) view returns (uint256 timestamp, int96 flowRate, uint256 deposit, uint256 owedDeposit)",
	"function getDepositRequiredForFlowRate(address token, int96 flowRate) view returns (uint256 deposit)",
	"event FlowUpdated(address indexed token, address indexed sender, address indexed receiver, int96 flowRate, int256 totalSenderFlowRate, int256 totalReceiverFlowRate, bytes userData)",
	"event FlowUpdatedExtension(address indexed flowOperator, uint256 deposit)",
]);

/** CFAv1Forwarder (`utils/CFAv1Forwarder.sol`). */
export const cfaForwarderAbi = [
	...parseAbi([
		"function createFlow(address token, address sender, address receiver, int96 flowrate, bytes userData) returns (bool)",
		"function updateFlow(address token, address sender, address receiver, int96 flowrate, bytes userData) returns (bool)",
		"function deleteFlow(address token, address sender, address receiver, bytes userData) returns (bool)",
		"function setFlowrate(address token, address receiver, int96 flowrate) returns (bool)",
		"function getBufferAmountByFlowrate(address token, int96 flowrate) view returns (uint256 bufferAmount)",
	]),
	...superfluidErrorsAbi,
] as const;

/** Super Token (`ISuperToken` / `ISuperfluidToken`): balances, solvency and events. */
export const superTokenAbi = parseAbi([
	"function name() view returns (string)",
	"function symbol() view returns (string)",
	"function decimals() view returns (uint8)",
	"function totalSupply() view returns (uint256)",
	"function balanceOf(address account) view returns (uint256 balance)",
	"function transfer(address recipient, uint256 amount) returns (bool)",
	"function realtimeBalanceOf(address account, uint256 timestamp) view returns (int256 availableBalance, uint256 deposit, uint256 owedDeposit)",
	"function realtimeBalanceOfNow(address account) view returns (int256 availableBalance, uint256 deposit, uint256 owedDeposit, uint256 timestamp)",
	"function isAccountCritical(address account, uint256 timestamp) view returns (bool isCritical)",
	"function isAccountCriticalNow(address account) view returns (bool isCritical)",
	"function isAccountSolventNow(address account) view returns (bool isSolvent)",
	"event Transfer(address indexed from, address indexed to, uint256 value)",
	"event AgreementLiquidatedV2(address indexed agreementClass, bytes32 id, address indexed liquidatorAccount, address indexed targetAccount, address rewardAmountReceiver, uint256 rewardAmount, int256 targetAccountBalanceDelta, bytes liquidationTypeData)",
	"event AgreementStateUpdated(address indexed agreementClass, address indexed account, uint256 slotId)",
	"event Minted(address indexed operator, address indexed to, uint256 amount, bytes data, bytes operatorData)",
	"event Burned(address indexed operator, address indexed from, uint256 amount, bytes data, bytes operatorData)",
	"event Sent(address indexed operator, address indexed from, address indexed to, uint256 amount, bytes data, bytes operatorData)",
]);

/** Governance (`ISuperfluidGovernance`): per-token configuration. */
export const governanceAbi = parseAbi([
	"function getPPPConfig(address host, address superToken) view returns (uint256 liquidationPeriod, uint256 patricianPeriod)",
	"function getSuperTokenMinimumDeposit(address host, address superToken) view returns (uint256 value)",
	"function getRewardAddress(address host, address superToken) view returns (address)",
]);

/** GDAv1Forwarder (`utils/GDAv1Forwarder.sol`). */
export const gdaForwarderAbi = parseAbi([
	"function createPool(address token, address admin, (bool transferabilityForUnitsOwner, bool distributionFromAnyAddress) config) returns (bool success, address pool)",
	"function updateMemberUnits(address pool, address memberAddress, uint128 newUnits, bytes userData) returns (bool success)",
	"function connectPool(address pool, bytes userData) returns (bool)",
	"function distribute(address token, address from, address pool, uint256 requestedAmount, bytes userData) returns (bool)",
	"function distributeFlow(address token, address from, address pool, int96 requestedFlowRate, bytes userData) returns (bool)",
	"function getNetFlow(address token, address account) view returns (int96)",
	"function isMemberConnected(address pool, address member) view returns (bool)",
]);

/** General Distribution Agreement v1 events (emitted by the GDA; topic1 is the token). */
export const gdaEventsAbi = parseAbi([
	"event PoolCreated(address indexed token, address indexed admin, address pool)",
	"event PoolConnectionUpdated(address indexed token, address indexed pool, address indexed account, bool connected, bytes userData)",
	"event FlowDistributionUpdated(address indexed token, address indexed pool, address indexed distributor, address operator, int96 oldFlowRate, int96 newDistributorToPoolFlowRate, int96 newTotalDistributionFlowRate, address adjustmentFlowRecipient, int96 adjustmentFlowRate, bytes userData)",
	"event InstantDistributionUpdated(address indexed token, address indexed pool, address indexed distributor, address operator, uint256 requestedAmount, uint256 actualAmount, bytes userData)",
	"event BufferAdjusted(address indexed token, address indexed pool, address indexed from, int256 bufferDelta, uint256 newBufferAmount, uint256 totalBufferAmount)",
]);

/** Superfluid pool (`ISuperfluidPool`): events (emitted by the pool; topic1 is the token) and reads. */
export const poolAbi = parseAbi([
	"event MemberUnitsUpdated(address indexed token, address indexed member, uint128 oldUnits, uint128 newUnits)",
	"event DistributionClaimed(address indexed token, address indexed member, int256 claimedAmount, int256 totalClaimed)",
	"function getUnits(address memberAddr) view returns (uint128)",
	"function getTotalUnits() view returns (uint128)",
]);
