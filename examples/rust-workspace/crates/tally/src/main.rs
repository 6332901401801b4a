use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("stdin is not UTF-8");
    println!("{}", tally::report(&input));
}
