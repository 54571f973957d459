//! Which way each type travels, so that it derives only what it needs: `Serialize` for
//! values the client sends (request bodies, parameters), `Deserialize` for values it
//! receives (responses, error bodies), both for a type that does both and for every
//! type no operation reaches (an app may use those any way). Webhooks run the other
//! way: their requests are received, their answers sent. An operation's parameters
//! struct is read field by field, so it derives neither.
//!
//! Directions are found per class of identical types (see `dedup`), since the class's
//! first type is the one emitted for all.

use crate::ir::*;

/// The serde traits a type derives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Direction {
    pub sent: bool,
    pub received: bool,
}

impl Direction {
    pub const BOTH: Direction = Direction {
        sent: true,
        received: true,
    };
    const SENT: Direction = Direction {
        sent: true,
        received: false,
    };
    const RECEIVED: Direction = Direction {
        sent: false,
        received: true,
    };

    /// Whether a serde derive (and so a `#[serde]` attribute) is present at all.
    pub fn any(self) -> bool {
        self.sent || self.received
    }

    fn union(self, other: Direction) -> Direction {
        Direction {
            sent: self.sent || other.sent,
            received: self.received || other.received,
        }
    }
}

/// The direction of every type, by index; `canonical` as `dedup::canonical` gives it.
pub fn directions(api: &Api, canonical: &[Option<TypeId>]) -> Vec<Direction> {
    let class = |id: TypeId| canonical[id.0].unwrap_or(id).0;
    let mut walk = Walk {
        api,
        class: &class,
        found: vec![Direction::default(); api.types.len()],
        reached: vec![false; api.types.len()],
        pending: Vec::new(),
    };
    for operation in &api.operations {
        walk.operation(operation);
    }
    walk.run();
    // What no operation reaches may be used either way, and so may what it holds.
    for id in 0..api.types.len() {
        if class(TypeId(id)) == id && !walk.reached[id] {
            walk.mark(id, Direction::BOTH);
        }
    }
    walk.run();
    (0..api.types.len())
        .map(|id| walk.found[class(TypeId(id))])
        .collect()
}

struct Walk<'a, C: Fn(TypeId) -> usize> {
    api: &'a Api,
    class: &'a C,
    /// By class: the traits found so far.
    found: Vec<Direction>,
    /// By class: used by some operation (a parameters struct is used, in no direction).
    reached: Vec<bool>,
    /// Classes whose references must see their new direction.
    pending: Vec<usize>,
}

impl<C: Fn(TypeId) -> usize> Walk<'_, C> {
    fn operation(&mut self, operation: &Operation) {
        // A webhook's request comes to the app, which answers it.
        let (request, answer) = if operation.webhook {
            (Direction::RECEIVED, Direction::SENT)
        } else {
            (Direction::SENT, Direction::RECEIVED)
        };
        for parameter in &operation.parameters {
            self.reference(&parameter.ty, request);
        }
        if let Some(id) = operation.parameters_type {
            self.reached[(self.class)(id)] = true;
        }
        let bodies = operation.request_body.iter().flat_map(|b| &b.contents);
        for content in bodies {
            self.reference(&content.ty, request);
        }
        for response in &operation.responses {
            for content in &response.contents {
                self.reference(&content.ty, answer);
            }
        }
    }

    fn reference(&mut self, ty: &TypeRef, direction: Direction) {
        if let Some(id) = ty.target() {
            self.mark((self.class)(id), direction);
        }
    }

    fn mark(&mut self, class: usize, direction: Direction) {
        self.reached[class] = true;
        let now = self.found[class].union(direction);
        if now != self.found[class] {
            self.found[class] = now;
            self.pending.push(class);
        }
    }

    /// Hands each class's direction on to the types it holds, until nothing changes.
    fn run(&mut self) {
        while let Some(class) = self.pending.pop() {
            let direction = self.found[class];
            let api = self.api;
            for ty in api.types[class].kind.references() {
                self.reference(ty, direction);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holding(name: &str, held: usize) -> TypeDef {
        TypeDef::plain(
            name,
            TypeKind::Alias(TypeRef::Array(Box::new(TypeRef::Named(TypeId(held))))),
        )
    }

    fn content(ty: TypeRef) -> Content {
        Content {
            media_type: "application/json".into(),
            kind: MediaKind::Json,
            ty,
            encoding: Vec::new(),
            samples: Vec::new(),
        }
    }

    fn operation(webhook: bool, body: usize, answer: usize) -> Operation {
        Operation {
            name: "op".into(),
            method: Method::Post,
            path: "/x".into(),
            webhook,
            deprecated: false,
            tags: Vec::new(),
            docs: Docs::default(),
            parameters: Vec::new(),
            parameters_type: None,
            request_body: Some(RequestBody {
                required: true,
                docs: Docs::default(),
                contents: vec![content(TypeRef::Named(TypeId(body)))],
            }),
            responses: vec![Response {
                status: StatusCode::Code(200),
                docs: Docs::default(),
                contents: vec![content(TypeRef::Named(TypeId(answer)))],
            }],
            security: None,
        }
    }

    fn api(types: Vec<TypeDef>, operations: Vec<Operation>) -> Api {
        Api {
            title: String::new(),
            version: String::new(),
            docs: Docs::default(),
            servers: Vec::new(),
            types,
            operations,
            security_schemes: Vec::new(),
            default_security: Vec::new(),
            auth_flows: Vec::new(),
            examples: Vec::new(),
        }
    }

    fn leaf(name: &str) -> TypeDef {
        TypeDef::plain(name, TypeKind::Alias(TypeRef::Scalar(Scalar::String)))
    }

    #[test]
    fn requests_are_sent_answers_received_and_both_reach_what_they_hold() {
        // 0 request → 2, 1 answer → 2, 3 unused → 4, 5 answer only.
        let types = vec![
            holding("Request", 2),
            holding("Answer", 2),
            leaf("Shared"),
            holding("Unused", 4),
            leaf("HeldByUnused"),
            leaf("AnswerOnly"),
        ];
        let api = api(types, vec![operation(false, 0, 1), operation(false, 0, 5)]);
        let found = directions(&api, &[None; 6]);
        let (sent, received) = (Direction::SENT, Direction::RECEIVED);
        assert_eq!(
            found,
            [
                sent,
                received,
                Direction::BOTH,
                Direction::BOTH,
                Direction::BOTH,
                received
            ]
        );
    }

    #[test]
    fn webhooks_receive_their_requests_and_send_their_answers() {
        let api = api(
            vec![leaf("Event"), leaf("Ack")],
            vec![operation(true, 0, 1)],
        );
        let found = directions(&api, &[None, None]);
        assert_eq!(found, [Direction::RECEIVED, Direction::SENT]);
    }

    #[test]
    fn a_class_of_identical_types_travels_every_way_its_members_do() {
        // 1 is an alias of 0 (identical): 0 is sent, 1 received, so the class does both.
        let api = api(vec![leaf("A"), leaf("B")], vec![operation(false, 0, 1)]);
        let found = directions(&api, &[None, Some(TypeId(0))]);
        assert_eq!(found, [Direction::BOTH, Direction::BOTH]);
    }

    #[test]
    fn a_parameters_struct_derives_nothing_but_its_fields_are_sent() {
        let mut op = operation(false, 0, 0);
        op.request_body = None;
        op.responses.clear();
        op.parameters_type = Some(TypeId(0));
        op.parameters = vec![Parameter {
            name: "kind".into(),
            wire_name: "kind".into(),
            location: ParameterLocation::Query,
            ty: TypeRef::Named(TypeId(1)),
            required: false,
            docs: Docs::default(),
            style: ParameterStyle::Form,
            explode: true,
            allow_reserved: false,
            json: false,
            deprecated: false,
            samples: Vec::new(),
        }];
        let api = api(vec![leaf("OpParams"), leaf("Kind")], vec![op]);
        let found = directions(&api, &[None, None]);
        assert_eq!(found, [Direction::default(), Direction::SENT]);
        assert!(!found[0].any());
    }
}
