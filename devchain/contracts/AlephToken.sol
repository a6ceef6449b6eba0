// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title AlephToken
/// @notice Minimal ERC-20 standing in for the Ethereum ALEPH token on local dev chains.
/// @dev Genesis balances are credited in the constructor WITHOUT a Transfer event, as the
///      real ALEPH did for its initial supply. mint and burn are unrestricted: dev chains only.
contract AlephToken {
    string public constant name = "Aleph";
    string public constant symbol = "ALEPH";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error LengthMismatch();
    error ZeroAddress();
    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    error InsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);

    constructor(address[] memory genesisHolders, uint256[] memory genesisAmounts) {
        if (genesisHolders.length != genesisAmounts.length) revert LengthMismatch();
        uint256 supply;
        for (uint256 i = 0; i < genesisHolders.length; i++) {
            balanceOf[genesisHolders[i]] += genesisAmounts[i];
            supply += genesisAmounts[i];
        }
        totalSupply = supply;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert InsufficientAllowance(from, msg.sender, allowed, amount);
            allowance[from][msg.sender] = allowed - amount;
        }
        _move(from, to, amount);
        return true;
    }

    /// @notice Creates `amount` tokens for `to`; emits Transfer(0, to, amount).
    function mint(address to, uint256 amount) external {
        if (to == address(0)) revert ZeroAddress();
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Destroys `amount` tokens of `from` (no allowance needed); emits Transfer(from, 0, amount).
    function burn(address from, uint256 amount) external {
        _debit(from, amount);
        totalSupply -= amount;
        emit Transfer(from, address(0), amount);
    }

    /// @notice Sends amounts[i] to to[i] from the caller, one Transfer event per recipient.
    function batchTransfer(address[] calldata to, uint256[] calldata amounts) external returns (bool) {
        if (to.length != amounts.length) revert LengthMismatch();
        uint256 total;
        for (uint256 i = 0; i < amounts.length; i++) {
            total += amounts[i];
        }
        _debit(msg.sender, total);
        for (uint256 i = 0; i < to.length; i++) {
            if (to[i] == address(0)) revert ZeroAddress();
            balanceOf[to[i]] += amounts[i];
            emit Transfer(msg.sender, to[i], amounts[i]);
        }
        return true;
    }

    function _move(address from, address to, uint256 amount) private {
        if (to == address(0)) revert ZeroAddress();
        _debit(from, amount);
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }

    function _debit(address account, uint256 amount) private {
        uint256 balance = balanceOf[account];
        if (balance < amount) revert InsufficientBalance(account, balance, amount);
        unchecked {
            balanceOf[account] = balance - amount;
        }
    }
}
