//! Free loopback ports.

/// `N` ports nothing listens on right now, all different: each is held until all are chosen,
/// so the OS cannot hand the same one out twice (seen: two services of one stack given one
/// port, the second failing to bind while the first answered for both).
pub fn free_ports<const N: usize>() -> anyhow::Result<[u16; N]> {
    let mut held = Vec::with_capacity(N);
    let mut ports = [0u16; N];
    for p in &mut ports {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        *p = l.local_addr()?.port();
        held.push(l);
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_ports_of_one_call_are_all_different() {
        let ports = super::free_ports::<16>().unwrap();
        let distinct: std::collections::BTreeSet<_> = ports.iter().collect();
        assert_eq!(distinct.len(), ports.len());
    }
}
