//! CT-2, PK-9: a parcel the buyer ships to the merchant.

use super::lifecycle;

lifecycle! {
    /// Where a parcel the buyer ships stands.
    pub enum BuyerShipmentState as "buyer shipment" {
        /// Waiting for the buyer's tracking number.
        Awaiting = "awaiting",
        /// The buyer shipped it and reported the tracking number.
        Shipped = "shipped",
    }
    moves {
        Awaiting => Shipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_2_a_buyer_ships_once() {
        use BuyerShipmentState::*;
        assert_eq!(Awaiting.step(Shipped), Ok(Shipped));
        assert!(Shipped.step(Shipped).is_err());
    }
}
